def get_context(context):
	# Offers and the own-requests list change by the minute.
	context.no_cache = 1
