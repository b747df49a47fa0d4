using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Uffd.Regions;

/// <summary>What a <see cref="RegionStream"/> reads and writes through: the engine's native copies.</summary>
internal interface IRegionBytes
{
    string Name { get; }

    long Length { get; }

    void Read(long offset, Span<byte> destination);

    void Write(long offset, ReadOnlySpan<byte> source);
}

/// <summary>
/// A seekable <see cref="Stream"/> over a whole region, from <see cref="FaultRegionEngine{TCallbacks}.AsStream"/>
/// (or a generated region's <c>AsStream()</c>). Every read and write is the engine's <c>Read</c> or <c>Write</c>: a
/// copy made from native code, so a page fault taken there never stalls the garbage collector, pages the provider
/// never filled are filled as the copy reaches them, and a write to a write-protected page goes through the write
/// handler. <c>CopyTo</c> a file writes the provider's bytes for every page.
/// </summary>
/// <remarks>
/// <para>
/// A region has a fixed length: <see cref="Length"/> is the region's, positions lie in <c>[0, Length]</c>,
/// <see cref="SetLength"/> is not supported, and a write that would pass the end throws
/// <see cref="NotSupportedException"/> before writing anything (as a fixed-size <see cref="MemoryStream"/> does).
/// </para>
/// <para>
/// The asynchronous methods complete synchronously, on the caller's thread, like <see cref="MemoryStream"/>'s: the
/// stream is over memory, and its one wait, a page fault served by one of the region's handler threads, is taken in
/// native code, where a waiting thread holds up neither the GC nor anything a second thread could overlap with it.
/// Handing each copy to the thread pool would cost more than the copy. A provider that does slow I/O of its own makes
/// those calls block for as long as it takes: call them through <see cref="Task.Run(Action)"/> if that matters.
/// </para>
/// <para>
/// Like other streams it is not thread-safe: each <c>AsStream()</c> call returns a new stream, with its own position.
/// Disposing the stream leaves the region open; disposing the region makes the stream's reads and writes throw
/// <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class RegionStream : Stream
{
    private readonly IRegionBytes region;
    private readonly long length;
    private long position;
    private bool disposed;

    internal RegionStream(IRegionBytes region)
    {
        this.region = region;
        length = region.Length;
    }

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanRead => !disposed;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanSeek => !disposed;

    /// <summary>True until the stream is disposed: every region can be written (through the write handler where pages are protected).</summary>
    public override bool CanWrite => !disposed;

    /// <summary>The region's length in bytes.</summary>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override long Length
    {
        get
        {
            ThrowIfDisposed();
            return length;
        }
    }

    /// <summary>Where the next read or write begins, between 0 and <see cref="Length"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or past <see cref="Length"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override long Position
    {
        get
        {
            ThrowIfDisposed();
            return position;
        }

        set
        {
            ThrowIfDisposed();
            if (value < 0 || value > length)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"A position in region '{region.Name}' is between 0 and its length, {length} bytes.");
            }

            position = value;
        }
    }

    /// <summary>
    /// Copies up to <c>buffer.Length</c> bytes from the position into <paramref name="buffer"/> from native code
    /// (the engine's <c>Read</c>) and advances; returns how many, 0 at the end of the region.
    /// </summary>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap); nothing was read.</exception>
    /// <exception cref="ObjectDisposedException">The stream or the region was disposed.</exception>
    public override int Read(Span<byte> buffer)
    {
        ThrowIfDisposed();
        int count = (int)Math.Min(buffer.Length, length - position);
        if (count <= 0)
        {
            return 0;
        }

        region.Read(position, buffer.Slice(0, count));
        position += count;
        return count;
    }

    /// <inheritdoc cref="Read(Span{byte})"/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <summary>Reads one byte, or returns -1 at the end of the region.</summary>
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    /// <summary>
    /// Copies <paramref name="buffer"/> into the region at the position from native code (the engine's <c>Write</c>)
    /// and advances. A write to a write-protected page calls the region's write handler first.
    /// </summary>
    /// <exception cref="NotSupportedException">The bytes would pass the end of the region; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">Part of the range was unmapped (munmap); nothing was written.</exception>
    /// <exception cref="ObjectDisposedException">The stream or the region was disposed.</exception>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        if (buffer.Length > length - position)
        {
            throw new NotSupportedException(
                $"Writing {buffer.Length} bytes at position {position} would pass the end of region '{region.Name}' ({length} bytes): " +
                "a region has a fixed length. Nothing was written.");
        }

        if (buffer.IsEmpty)
        {
            return;
        }

        region.Write(position, buffer);
        position += buffer.Length;
    }

    /// <inheritdoc cref="Write(ReadOnlySpan{byte})"/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(new ReadOnlySpan<byte>(buffer, offset, count));
    }

    /// <summary>Writes one byte at the position and advances.</summary>
    /// <exception cref="NotSupportedException">The position is the end of the region.</exception>
    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    /// <summary>Reads synchronously and returns a completed task (see the remarks of <see cref="RegionStream"/>).</summary>
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "An override: Stream declares both overloads with these signatures.")]
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return new ValueTask<int>(Read(buffer.Span));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)"/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Writes synchronously and returns a completed task (see the remarks of <see cref="RegionStream"/>).</summary>
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads",
        Justification = "An override: Stream declares both overloads with these signatures.")]
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>
    /// Moves the position to <paramref name="offset"/> from the start, the position or the end. A region has a fixed
    /// length: the new position must lie in <c>[0, Length]</c>.
    /// </summary>
    /// <exception cref="IOException">The new position would be before the start or past the end of the region.</exception>
    /// <exception cref="ArgumentException"><paramref name="origin"/> is not a <see cref="SeekOrigin"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override long Seek(long offset, SeekOrigin origin)
    {
        ThrowIfDisposed();
        long from = origin switch
        {
            SeekOrigin.Begin => 0,
            SeekOrigin.Current => position,
            SeekOrigin.End => length,
            _ => throw new ArgumentException($"{origin} is not a SeekOrigin.", nameof(origin)),
        };

        // Compared without adding: from and length are at most 2^47, offset can be anything.
        if (offset < -from || offset > length - from)
        {
            throw new IOException(
                $"Seeking {offset} bytes from {origin} ({from}) leaves region '{region.Name}', whose positions are 0 to {length}.");
        }

        position = from + offset;
        return position;
    }

    /// <summary>Not supported: a region has a fixed length.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) =>
        throw new NotSupportedException($"Region '{region.Name}' has a fixed length ({length} bytes).");

    /// <summary>Does nothing: writes are in the region's memory as soon as they return.</summary>
    public override void Flush()
    {
    }

    /// <summary>Does nothing and returns a completed task: writes are in the region's memory as soon as they return.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Closes the stream; the region stays open.</summary>
    protected override void Dispose(bool disposing)
    {
        disposed = true;
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);
}
