"""What the article list answers to, on the page and in the API alike (the `tagged` fixture)."""

LIST_CASES = [
    ("", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
    ("language=fr", ["L'appel Trump-Xi"]),
    ("language=fr&language=en", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
    ("topic=trade", ["Kuala Lumpur talks", "L'appel Trump-Xi"]),
    ("topic=trade&topic=taiwan", ["Kuala Lumpur talks", "L'appel Trump-Xi", "Blinken visit"]),
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
