"""Churn risk (issue 7, line 4): one feature extractor for a CSV row and a member, a logistic
regression fitted with scikit-learn and stored as JSON (``models.churn.ChurnModel``), set-based
scoring into ``MemberProfile.churn_score`` and the factors that explain each score."""
