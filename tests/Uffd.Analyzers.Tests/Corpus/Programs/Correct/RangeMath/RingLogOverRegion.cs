using System;
using System.Runtime.InteropServices;
using System.Threading;
using Uffd;

namespace Corpus.RingLogOverRegion;

/// <summary>A region whose first 4096 bytes are a file header; the log records follow it.</summary>
[FaultRegion(Pages = 256, UserModeOnly = UserModeOnlyPolicy.Allow)]
public sealed partial class LogFile
{
    public const int HeaderBytes = 4096;

    [PageProvider]
    private void Fill(long pageIndex, Span<byte> page) => page.Clear();

    public ReadOnlySpan<byte> Header => AsReadOnlySpan(0, HeaderBytes);

    public void WriteRecord(long index, ReadOnlySpan<byte> record) => Write(HeaderBytes + index * record.Length, record);
}

/// <summary>An in-memory ring of 4096 slots in front of the log, with a native staging buffer for a C encoder.</summary>
public sealed class RingLog : IDisposable
{
    private const int Slots = 4096;
    private readonly long[] _ring = new long[Slots];
    private readonly LogFile _file;
    private nint _staging;
    private int _head;

    public RingLog(LogFile file)
    {
        _file = file;
        _staging = Marshal.AllocHGlobal(2 * 4096);
    }

    public void Add(long value)
    {
        int slot = Interlocked.Increment(ref _head) & (Slots - 1);
        _ring[slot] = value;
        Marshal.WriteInt64(_staging + 4096, value);
        if ((slot & 4095) == 0)
        {
            Flush(slot);
        }
    }

    private void Flush(int slot)
    {
        Span<byte> record = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(record, _ring[slot]);
        _file.WriteRecord(slot, record);
    }

    public bool WaitForFlush(Userfaultfd uffd, UffdShutdownSignal stop) =>
        uffd.WaitForMessages(stop, timeoutMilliseconds: 4096) == UffdWaitResult.MessagesAvailable;

    public void Dispose()
    {
        Marshal.FreeHGlobal(_staging);
        _staging = 0;
    }
}
