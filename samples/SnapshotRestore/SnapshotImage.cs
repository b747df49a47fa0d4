using System;
using System.Buffers.Binary;
using System.IO;

namespace SnapshotRestore;

/// <summary>
/// The memory image the sample saves and restores: a header, then a table of fixed-size records sorted by key, the
/// layout a process would dump of a read-mostly index (a sorted array searched by binary search). Every byte is a
/// function of its offset, so any range can be produced for the upload and checked after a restore without keeping
/// the image anywhere.
/// </summary>
internal static class SnapshotImage
{
    public const int HeaderSize = 64;
    public const int RecordSize = 64;
    public const ulong Magic = 0x50414E5344464655; // "UFFDSNAP", little-endian

    /// <summary>The image's length for <paramref name="records"/> records.</summary>
    public static long LengthOf(long records) => HeaderSize + records * RecordSize;

    /// <summary>The records an image of about <paramref name="mebibytes"/> MiB holds.</summary>
    public static long RecordsFor(int mebibytes) => ((long)mebibytes << 20) / RecordSize;

    /// <summary>Record <paramref name="index"/>'s key: increasing, with gaps, so a lookup of a missing key fails.</summary>
    public static ulong KeyOf(long index) => (ulong)index * 16 + 5;

    /// <summary>The value stored with <paramref name="key"/> (a 64-bit mix of it).</summary>
    public static ulong ValueOf(ulong key)
    {
        ulong x = key * 0x9E3779B97F4A7C15;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9;
        return x ^ (x >> 29);
    }

    /// <summary>Writes the image's bytes [<paramref name="offset"/>, offset + destination.Length) of an image of <paramref name="records"/> records.</summary>
    public static void Produce(long records, long offset, Span<byte> destination)
    {
        Span<byte> scratch = stackalloc byte[RecordSize];
        while (!destination.IsEmpty)
        {
            int chunkStart, take;
            if (offset < HeaderSize)
            {
                WriteHeader(records, scratch);
                chunkStart = (int)offset;
                take = Math.Min(HeaderSize - chunkStart, destination.Length);
            }
            else
            {
                long index = (offset - HeaderSize) / RecordSize;
                WriteRecord(index, scratch);
                chunkStart = (int)((offset - HeaderSize) % RecordSize);
                take = Math.Min(RecordSize - chunkStart, destination.Length);
            }

            scratch.Slice(chunkStart, take).CopyTo(destination);
            destination = destination.Slice(take);
            offset += take;
        }
    }

    public static void WriteHeader(long records, Span<byte> header)
    {
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(8), records);
        BinaryPrimitives.WriteInt32LittleEndian(header.Slice(16), RecordSize);
    }

    /// <summary>Key, value, then 48 payload bytes derived from the value.</summary>
    public static void WriteRecord(long index, Span<byte> record)
    {
        ulong key = KeyOf(index);
        ulong value = ValueOf(key);
        BinaryPrimitives.WriteUInt64LittleEndian(record, key);
        BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(8), value);
        for (int i = 16; i < RecordSize; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(record.Slice(i), value + (ulong)i);
        }
    }

    /// <summary>A read-only, seekable stream of an image's bytes, produced as they are read (the upload's source).</summary>
    public sealed class ProducingStream(long records) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length { get; } = LengthOf(records);

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int take = (int)Math.Min(buffer.Length, Length - Position);
            if (take <= 0)
            {
                return 0;
            }

            Produce(records, Position, buffer.Slice(0, take));
            Position += take;
            return take;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
