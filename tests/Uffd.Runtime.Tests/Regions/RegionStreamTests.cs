using System.IO;
using System.Threading.Tasks;
using Uffd.Regions;
using Uffd.Runtime.Tests.Infrastructure;
using Uffd.Runtime.Tests.Kernel.Support;

namespace Uffd.Runtime.Tests.Regions;

/// <summary>
/// RegionStream reads and writes through the engine's native copies: copying a region nobody touched to a file runs
/// the provider once per page and the file holds its bytes; writing into protected pages calls the write handler;
/// a region's fixed length bounds positions, seeks and writes.
/// </summary>
public sealed class RegionStreamTests
{
    private const int Pages = 16;

    [Fact]
    public void CopyTo_a_file_fills_every_untouched_page_through_the_provider_once_and_writes_its_bytes()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("StreamToFile", Pages));
        string path = Path.Combine(Path.GetTempPath(), $"uffd-region-stream-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            long copied = Faulter.Run(() =>
            {
                using RegionStream stream = region.AsStream();
                using FileStream file = File.Create(path);
                stream.CopyTo(file, bufferSize: 3 * region.PageSize + 100);
                return stream.Position;
            }, "copier").Join();

            Assert.Equal(region.Length, copied);
            Assert.Equal(Enumerable.Repeat(1, Pages), recorder.FillCalls);
            byte[] written = File.ReadAllBytes(path);
            Assert.Equal(region.Length, written.Length);
            for (int i = 0; i < Pages; i++)
            {
                Assert.True(RegionRecorder.HasPattern(i, written.AsSpan(i * region.PageSize, region.PageSize)), $"page {i} of the file");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Writing_through_the_stream_into_protected_pages_calls_the_write_handler_for_each()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("StreamWrites", Pages, FaultMode.WriteProtect));
        region.Protect(0, Pages);
        int pageSize = region.PageSize;
        byte[] data = Enumerable.Range(0, pageSize + 200).Select(i => (byte)(i % 251 + 1)).ToArray();

        long end = Faulter.Run(() =>
        {
            using RegionStream stream = region.AsStream();
            stream.Position = 3L * pageSize + pageSize - 100;
            stream.Write(data);
            return stream.Position;
        }, "writer").Join();

        // 100 bytes on page 3, a whole page 4, 100 bytes on page 5.
        Assert.Equal(4L * pageSize + pageSize - 100 + data.Length - pageSize, end);
        Assert.Equal(Enumerable.Range(0, Pages).Select(p => p is 3 or 4 or 5 ? 1 : 0), recorder.WriteCalls);
        Assert.Equal(3, region.Statistics.WriteFaults);
        Assert.All(new[] { 3, 4, 5 }, p => Assert.False(RawPagemap.IsUffdWriteProtected(region.BaseAddress + p * pageSize), $"page {p}"));
        Assert.True(RawPagemap.IsUffdWriteProtected(region.BaseAddress + 6 * pageSize));

        byte[] back = new byte[data.Length];
        region.Read(4L * pageSize - 100, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public void Positions_seeks_and_writes_stay_within_the_regions_fixed_length()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("StreamBounds", 2));
        long length = region.Length;
        using RegionStream stream = region.AsStream();

        Assert.True(stream.CanRead && stream.CanSeek && stream.CanWrite);
        Assert.Equal(length, stream.Length);
        Assert.Equal(0, stream.Position);
        Assert.Equal(length, stream.Seek(0, SeekOrigin.End));
        Assert.Equal(0, stream.Read(new byte[10]));
        Assert.Equal(-1, stream.ReadByte());
        Assert.Equal(length - 10, stream.Seek(-10, SeekOrigin.Current));
        byte[] tail = new byte[100];
        Assert.True(Faulter.Run(() => stream.Read(tail, 0, tail.Length) == 10 && stream.Position == length).Join(), "a read at the end returns what is left");
        Assert.Equal(RegionRecorder.FillByte(1), tail[9]);

        foreach ((long offset, SeekOrigin origin) in new[]
        {
            (-1L, SeekOrigin.Begin), (length + 1, SeekOrigin.Begin), (1L, SeekOrigin.End), (-length - 1, SeekOrigin.End),
            (long.MaxValue, SeekOrigin.Current), (long.MinValue, SeekOrigin.Current), (long.MinValue, SeekOrigin.End),
        })
        {
            Assert.Throws<IOException>(() => stream.Seek(offset, origin));
            Assert.Equal(length, stream.Position);
        }

        Assert.Throws<ArgumentException>(() => stream.Seek(0, (SeekOrigin)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Position = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Position = length + 1);
        Assert.Throws<NotSupportedException>(() => stream.SetLength(length));

        // A write past the end writes nothing, not even the bytes that would fit.
        stream.Position = length - 2;
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[] { 1, 2, 3 }));
        Assert.Equal(length - 2, stream.Position);
        Assert.Equal(tail[8..10], Read(region, length - 2, 2));
        stream.Write(new byte[] { 0xAB, 0xCD });
        Assert.Throws<NotSupportedException>(() => stream.WriteByte(1));
        Assert.Equal(new byte[] { 0xAB, 0xCD }, Read(region, length - 2, 2));
        stream.Write(ReadOnlySpan<byte>.Empty);
        Assert.Equal(length, stream.Position);

        stream.Position = 0;
        Assert.Equal(RegionRecorder.FillByte(0), Faulter.Run(() => { stream.Position = 100; return stream.ReadByte(); }).Join());
        Assert.Equal(101, stream.Position);
    }

    [Fact]
    public async Task Async_calls_complete_on_the_callers_thread_and_report_cancellation_and_errors_in_the_task()
    {
        var recorder = new RegionRecorder(Pages);
        using var region = TestRegion.Open(recorder, TestRegion.Settings("StreamAsync", 2));
        region.Prefault(0, region.Length);
        using RegionStream stream = region.AsStream();
        byte[] buffer = new byte[64];

        ValueTask<int> read = stream.ReadAsync(buffer);
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal(64, await read);
        Assert.Equal(64, await stream.ReadAsync(buffer, 0, buffer.Length));
        Assert.Equal(128, stream.Position);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.True(stream.ReadAsync(buffer, cancelled.Token).IsCanceled);
        Assert.True(stream.WriteAsync(buffer, cancelled.Token).IsCanceled);
        Assert.True(stream.FlushAsync(cancelled.Token).IsCanceled);
        Assert.Equal(128, stream.Position);

        stream.Position = region.Length - 1;
        ValueTask tooLong = stream.WriteAsync(buffer);
        Assert.True(tooLong.IsFaulted);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await tooLong);
        Assert.True(stream.WriteAsync(buffer, 0, 1).IsCompletedSuccessfully);
        Assert.True(stream.FlushAsync().IsCompletedSuccessfully);
        Assert.Equal(region.Length, stream.Position);
    }

    [Fact]
    public void Disposing_the_stream_leaves_the_region_open_and_disposing_the_region_stops_the_stream()
    {
        var recorder = new RegionRecorder(Pages);
        var region = TestRegion.Open(recorder, TestRegion.Settings("StreamLifetime", 2));
        try
        {
            RegionStream first = region.AsStream();
            first.Dispose();
            first.Dispose();
            Assert.False(first.CanRead || first.CanSeek || first.CanWrite);
            Assert.Throws<ObjectDisposedException>(() => first.Read(new byte[1]));
            Assert.Throws<ObjectDisposedException>(() => first.Position);
            Assert.Throws<ObjectDisposedException>(() => first.Length);

            RegionStream second = region.AsStream();
            Assert.Equal(0, second.Position);
            Assert.True(RegionRecorder.HasPattern(0, Faulter.Run(() =>
            {
                byte[] page = new byte[region.PageSize];
                second.ReadExactly(page);
                return page;
            }).Join()));

            region.Dispose();
            Assert.Throws<ObjectDisposedException>(() => second.Read(new byte[1]));
            Assert.Throws<ObjectDisposedException>(() => second.Write(new byte[1]));
            Assert.Throws<ObjectDisposedException>(() => region.AsStream());
        }
        finally
        {
            region.Dispose();
        }
    }

    private static byte[] Read(FaultRegionEngine<RecordingCallbacks> region, long offset, int count)
    {
        byte[] bytes = new byte[count];
        region.Read(offset, bytes);
        return bytes;
    }
}
