"""Text primitives, one implementation each: folding (繁→简, width, case, offsets kept), character classes,
squeezing, n-grams, sentence splitting, segmentation and pinyin. Imports only app.core.vocab and libraries."""
