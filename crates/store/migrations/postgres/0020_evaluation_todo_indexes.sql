-- Issue 14: the to-do counts of the annual evaluation search an index — the
-- open rounds by state, a round's evaluations awaiting a grade, the actions
-- awaiting the bureau.
CREATE INDEX evaluation_rounds_state ON evaluation_rounds (state, id);
CREATE INDEX evaluations_state_round ON evaluations (state, round_id);
CREATE INDEX management_actions_state ON management_actions (state, round_id);
