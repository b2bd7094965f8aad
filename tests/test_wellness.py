"""The wellness check-in threshold: 3 call-outs in 60 days by default, configurable."""

from datetime import datetime

from collective_cover.engine.wellness import CheckInRule, check_in_due

AT = datetime(2026, 12, 2, 5, 0)


def test_the_third_call_out_in_sixty_days_prompts_and_the_second_does_not():
	rule = CheckInRule()
	assert (rule.threshold, rule.window_days) == (3, 60)
	assert not check_in_due(2, rule)
	assert check_in_due(3, rule)
	assert check_in_due(4, rule)


def test_the_window_reaches_back_its_days_from_the_call_out():
	assert CheckInRule().counted_from(AT) == datetime(2026, 10, 3, 5, 0)
	assert CheckInRule(window_days=30).counted_from(AT) == datetime(2026, 11, 2, 5, 0)


def test_settings_choose_the_figures_and_empty_ones_keep_the_defaults():
	rule = CheckInRule.configured(5, 30)
	assert (rule.threshold, rule.window_days) == (5, 30)
	assert not check_in_due(4, rule)
	assert check_in_due(5, rule)
	for threshold, window_days in ((None, None), (0, 0), (-2, -1)):
		assert CheckInRule.configured(threshold, window_days) == CheckInRule(3, 60)
