"""A member's calendar feed: a secret iCalendar address with their covers, first back-up rota days and
coaching meetings (`events`), behind a token only its hash of which is stored (`tokens`)."""
