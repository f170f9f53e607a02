def test_sample_lints(lint_text):
    diags = lint_text('{"prompt": "a", "completion": "b"}\n\n// c\n{"x": 1,}\n')
    codes = {(d.code, d.line) for d in diags}
    assert ("FT003", 1) in codes and ("FT004", 2) in codes and ("FT001", 3) in codes
