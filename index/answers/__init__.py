"""Ranked passages to an answer: what the question asks (answering), the features and the
learned models (answer_model, span_features) that choose the sentence and the words in bold
(spans), small talk, follow-ups, and the learned model files (models/).

Hands on the answer's sentence, span and outcome to index.engine.
"""
