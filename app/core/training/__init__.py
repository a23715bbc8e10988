"""Training mode (新人演练): drills, the scoring rubric and the explainable score of a trainee's reply.
May import vocab, fileio, text, content, checker and compose (the model answer is the builder's draft)."""
