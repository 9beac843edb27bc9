"""What the article list answers to, on the page and in the API alike (the `tagged` fixture)."""

LIST_CASES = [
    ("", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
    ("language=fr", ["L'appel Trump-Xi"]),
    ("language=fr&language=en", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
    ("topic=trade", ["Kuala Lumpur talks", "L'appel Trump-Xi"]),
    # Topics and events asked for together: articles with all of them (here none).
    ("topic=trade&topic=taiwan", []),
    ("topic=trade&event=trump-xi-call-2025", ["L'appel Trump-Xi"]),
    ("year=2025", ["Kuala Lumpur talks", "L'appel Trump-Xi"]),
    ("year=2025&date_to=2025-07-01", ["L'appel Trump-Xi"]),
    ("translated=no", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
    ("translated=yes", []),
    ("event=trump-xi-call-2025", ["L'appel Trump-Xi"]),
    ("date_from=2025-06-15", ["Kuala Lumpur talks", "L'appel Trump-Xi"]),
    ("date_to=2025-01-01", ["Blinken visit"]),
    ("date_from=2025-01-01&date_to=2025-09-30", ["L'appel Trump-Xi"]),
    ("source=Le+Monde", ["L'appel Trump-Xi"]),
    ("q=kuala", ["Kuala Lumpur talks"]),
    ("q=TRUMP+appel", ["L'appel Trump-Xi"]),
    ("q=kuala&language=fr", []),
    ("q=rare", ["Kuala Lumpur talks", "L'appel Trump-Xi"]),
    ("q=rare&sort=oldest", ["L'appel Trump-Xi", "Kuala Lumpur talks"]),
    ("sort=oldest", ["Blinken visit", "L'appel Trump-Xi", "Kuala Lumpur talks"]),
    ("sort=relevance&page=1&expand=0", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
]

# A control character (archive.text.CONTROL_CHARACTERS) in any parameter but q: the page
# names the parameter and ignores it, the API refuses the request naming it.
# (query, parameter, the message the page shows for it)
CONTROL_CHARACTER_CASES = [
    (f"{name}={value}", name, f"{label}: Control characters are not allowed ({code}).")
    for name, label in [
        ("source", "Source"),
        ("language", "Language"),
        ("topic", "Topic"),
        ("event", "Event"),
        ("date_from", "From"),
        ("date_to", "To"),
        ("sort", "Order"),
        ("page", "Page"),
        ("expand", "Expand"),
        ("year", "Year"),
        ("translated", "Translation"),
    ]
    for value, code in [("%00", "U+0000"), ("a%00b", "U+0000"), ("x%1B", "U+001B")]
] + [
    ("language=fr&language=en%00", "language", "Language: Control characters are not allowed"),
    ("source=Le+Monde&source=%7F", "source", "Source: Control characters are not allowed (U+007F)"),
    ("date_from=2025-01-01%0C", "date_from", "From: Control characters are not allowed (U+000C)"),
]

# Control characters in q are left out of the search and a note says so.
# (query, the titles found, the notes)
QUERY_CONTROL_CHARACTER_CASES = [
    ("q=kua%00la", ["Kuala Lumpur talks"], ["Control characters in the query were left out."]),
    ("q=%1Btarif", ["L'appel Trump-Xi"], ["Control characters in the query were left out."]),
    (
        "q=%00",
        [],
        ["Control characters in the query were left out.", "There was nothing to search for."],
    ),
    # Tab and line breaks are whitespace, as everywhere else.
    ("q=kuala%09talks%0D%0A", ["Kuala Lumpur talks"], []),
]
