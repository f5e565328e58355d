"""Text to clean passages and their tokens: lines, paragraphs, articles and passages of
bounded length (cleaning), then jieba words and character pairs (tokenizer).

Hands on `cleaning.Passage` and the token lists to index.search.
"""
