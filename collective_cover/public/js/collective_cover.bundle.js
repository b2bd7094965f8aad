// Desk-wide assets of the app (hooks.py app_include_js), built by `bench build --app collective_cover`.
import "./report_filters";
