-- Issue 10: an invitation to review carries its deadline (评审截止日期): the
-- day by which the expert declares and scores. Seats invited before this
-- migration have none.
ALTER TABLE panel_reviews ADD COLUMN due_on TEXT;
ALTER TABLE result_reviews ADD COLUMN due_on TEXT;
