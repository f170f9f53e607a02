"""Built-in rules, one per module. Installed as the package ``ftlsp.rules``.

Import rules as ``ftlsp.rules.<module>``, never ``rules.<module>``: the second
spelling would load a second copy of each rule class.
"""
