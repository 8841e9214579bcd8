"""Loads orders in batches. Deployed as a Kestra namespace file."""
import argparse

from lib.helpers import chunked


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    rows = list(range(2_000))
    for i, batch in enumerate(chunked(rows, args.batch_size)):
        print(f"batch {i}: {len(batch)} rows")


if __name__ == "__main__":
    main()
