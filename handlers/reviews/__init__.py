"""/review: the staff's review of sent responses, and the respondent's «Исправить»."""
