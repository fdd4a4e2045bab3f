"""The fkvs-against-redis table bench/aof.py and bench/snapshot.py print: rows
of (section, metric, fkvs, redis, fkvs/redis, "lower|higher is better"), as
aligned text or, with markdown, a bullet list of the run's facts and a table."""

COLUMNS = ["", "metric", "fkvs", "redis", "fkvs/redis", ""]


def print_ratio_table(header_lines, rows, markdown):
    if markdown:
        print("\n".join("- %s" % line for line in header_lines) + "\n")
        print("| %s |" % " | ".join(COLUMNS[:5] + ["better"]))
        print("|---|---|---:|---:|---:|---|")
        previous = None
        for row in rows:
            section = row[0] if row[0] != previous else ""
            previous = row[0]
            ratio = "**%s**" % row[4] if row[4] else ""
            print("| %s |" % " | ".join([section, row[1], row[2], row[3], ratio,
                                         row[5].replace(" is better", "")]))
        return
    print("\n".join(header_lines) + "\n")
    widths = [max(len(COLUMNS[i]), *(len(row[i]) for row in rows)) for i in range(len(COLUMNS))]
    previous = None
    for row in [COLUMNS] + rows:
        shown = list(row)
        if row is not COLUMNS:
            shown[0] = row[0] if row[0] != previous else ""
            previous = row[0]
        print("  ".join(("%-*s" if i in (0, 1, 5) else "%*s") % (w, v)
                        for i, (w, v) in enumerate(zip(widths, shown))).rstrip())
