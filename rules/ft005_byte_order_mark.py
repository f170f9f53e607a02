from __future__ import annotations

from ftlsp.rule import DocumentRule, Edit, Finding, Fix, Severity


class ByteOrderMark(DocumentRule):
    """The file starts with a UTF-8 byte-order mark (BOM).

    What: the bytes EF BB BF before the first record.

    Why: ``json.loads`` of the first line fails on the BOM, so strict readers
    reject the first record or the whole file.

    Bad (bytes):
        b'\\xef\\xbb\\xbf{"prompt": "a", "completion": "b"}\\n'

    Good (bytes):
        b'{"prompt": "a", "completion": "b"}\\n'

    """

    code = "FT005"
    name = "byte-order-mark"
    summary = "File starts with a UTF-8 byte-order mark"
    default_severity = Severity.ERROR
    fixable = True

    def check_document(self, doc, ctx):
        if doc.bom:
            yield Finding("file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM",
                          line=0, col=0, end_col=1, fix=Fix("Remove the byte-order mark", (Edit(0, 1, ""),)))
