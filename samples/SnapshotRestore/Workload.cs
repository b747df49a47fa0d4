using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace SnapshotRestore;

/// <summary>
/// What a restored process does with the image: binary-search lookups from several threads (half for keys that exist,
/// checked against the record they must find, half for keys that do not), and a scan that checks every byte. It reads
/// only through <see cref="IImageReader.Read"/>, so on a region every fault is taken in native code.
/// </summary>
internal static class Workload
{
    public readonly record struct LookupResult(long Lookups, long Wrong, long PagesTouched, TimeSpan Elapsed);

    public readonly record struct ScanResult(long Bytes, long WrongChunks, TimeSpan Elapsed);

    /// <summary>One lookup of an existing key; for the time to first access.</summary>
    public static bool FirstLookup(IImageReader image, long records) =>
        Lookup(image, records, SnapshotImage.KeyOf(records / 3), new byte[SnapshotImage.RecordSize], expectFound: true, touched: null);

    public static LookupResult Lookups(IImageReader image, long records, int threads, int perThread, int seed)
    {
        var touched = new TouchedPages(SnapshotImage.LengthOf(records));
        long wrong = 0;
        var clock = Stopwatch.StartNew();
        Thread[] workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(seed + t);
            var record = new byte[SnapshotImage.RecordSize];
            for (int i = 0; i < perThread; i++)
            {
                long index = random.NextInt64(records);
                bool present = (i & 1) == 0;
                ulong key = SnapshotImage.KeyOf(index) + (present ? 0UL : 1UL);
                if (!Lookup(image, records, key, record, present, touched))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        })).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return new LookupResult((long)threads * perThread, wrong, touched.Count, clock.Elapsed);
    }

    /// <summary>Reads the whole image front to back in 1 MiB pieces and checks each against what was saved.</summary>
    public static ScanResult Scan(IImageReader image, long records)
    {
        const int Chunk = 1 << 20;
        long length = SnapshotImage.LengthOf(records);
        var read = new byte[Chunk];
        var expected = new byte[Chunk];
        long wrong = 0;
        var clock = Stopwatch.StartNew();
        for (long offset = 0; offset < length; offset += Chunk)
        {
            int take = (int)Math.Min(Chunk, length - offset);
            image.Read(offset, read.AsSpan(0, take));
            SnapshotImage.Produce(records, offset, expected.AsSpan(0, take));
            if (!read.AsSpan(0, take).SequenceEqual(expected.AsSpan(0, take)))
            {
                wrong++;
            }
        }

        return new ScanResult(length, wrong, clock.Elapsed);
    }

    /// <summary>Binary search for <paramref name="key"/>: true when the outcome is right (found with its exact record, or absent).</summary>
    private static bool Lookup(IImageReader image, long records, ulong key, byte[] record, bool expectFound, TouchedPages? touched)
    {
        Span<byte> expected = stackalloc byte[SnapshotImage.RecordSize];
        long low = 0, high = records - 1;
        while (low <= high)
        {
            long middle = low + ((high - low) >> 1);
            long offset = SnapshotImage.HeaderSize + middle * SnapshotImage.RecordSize;
            image.Read(offset, record);
            touched?.Mark(offset, SnapshotImage.RecordSize);
            ulong found = BinaryPrimitives.ReadUInt64LittleEndian(record);
            if (found == key)
            {
                SnapshotImage.WriteRecord(middle, expected);
                return expectFound && record.AsSpan().SequenceEqual(expected);
            }

            if (found < key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return !expectFound;
    }

    /// <summary>The distinct pages a workload read (one bit each), to compare with the pages the store sent.</summary>
    private sealed class TouchedPages(long length)
    {
        private readonly long[] bits = new long[(length / Environment.SystemPageSize + 64) / 64];

        public long Count => bits.Sum(b => (long)ulong.PopCount((ulong)b));

        public void Mark(long offset, int length)
        {
            for (long page = offset / Environment.SystemPageSize; page <= (offset + length - 1) / Environment.SystemPageSize; page++)
            {
                Interlocked.Or(ref bits[page / 64], 1L << (int)(page % 64));
            }
        }
    }
}
