using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>
    /// One asynchronous provider call and everything its install needs, reused from <see cref="FetchPool"/>: the run
    /// of claimed pages, the fault it answers, the task, a buffer outside the region (it is also the
    /// <see cref="MemoryManager{T}"/> behind the <see cref="Memory{T}"/> the provider fills, so handing it out
    /// allocates nothing) and the counters of whichever thread completes it.
    /// </summary>
    private sealed unsafe class PageFetch : MemoryManager<byte>, IThreadPoolWorkItem
    {
        private readonly FaultRegionEngine<TCallbacks> engine;
        private readonly int capacityPages;
        private byte* buffer;
        private byte* target;
        private int length;

        public PageFetch(FaultRegionEngine<TCallbacks> engine, int capacityPages)
        {
            this.engine = engine;
            this.capacityPages = capacityPages;
            State = new RegionThreadState(capacityPages);

            // Made once: awaiting the provider's task with it allocates nothing.
            Continuation = () => engine.OnFetchCompleted(this);
        }

        /// <summary>The counters and deferred install of the thread that completes this fetch (one at a time).</summary>
        public RegionThreadState State { get; }

        /// <summary>Runs when the provider's task completes.</summary>
        public Action Continuation { get; }

        /// <summary>The fault this fetch answers (its first page is the faulting page), as read or queued.</summary>
        public WaitingFault Fault;

        /// <summary>Claimed pages from <c>Fault.Index</c> on.</summary>
        public int Count;

        /// <summary>Read-ahead that nobody faulted on yet: no error policy, no service time.</summary>
        public bool Speculative;

        /// <summary>When run from the thread pool: call the provider first (a queued fault), or only complete.</summary>
        public bool StartOnExecute;

        public ValueTask<PageFill> Task;

        /// <summary>The call's buffer, native and page-aligned: allocated on first use (a fetch made at Open may never serve a missing fault).</summary>
        public byte* Buffer
        {
            get
            {
                if (buffer == null)
                {
                    int pageSize = engine.pageSize;
                    buffer = (byte*)NativeMemory.AlignedAlloc((nuint)capacityPages * (nuint)pageSize, (nuint)Math.Max(pageSize, Environment.SystemPageSize));
                }

                return buffer;
            }
        }

        /// <summary>Points the memory handed to the provider at <paramref name="pages"/> pages from <paramref name="start"/>.</summary>
        public Memory<byte> Target(byte* start, int pages, int pageSize)
        {
            target = start;
            length = pages * pageSize;
            return CreateMemory(length);
        }

        public override Span<byte> GetSpan() => new(target, length);

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            if ((uint)elementIndex > (uint)length)
            {
                throw new ArgumentOutOfRangeException(nameof(elementIndex));
            }

            // Native memory: it never moves, so there is nothing to pin.
            return new MemoryHandle(target + elementIndex);
        }

        public override void Unpin()
        {
        }

        void IThreadPoolWorkItem.Execute() => engine.ExecuteFetch(this);

        /// <summary>Frees the buffer; only once no call or install can use it.</summary>
        public void Free()
        {
            if (buffer != null)
            {
                NativeMemory.AlignedFree(buffer);
                buffer = null;
            }

            State.Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            // The pool owns the buffer (Free): a provider disposing the memory's manager must not free it.
        }
    }

    /// <summary>A missing or minor fault whose page is claimed, waiting for (or given) a fetch.</summary>
    [StructLayout(LayoutKind.Auto)]
    private readonly struct WaitingFault
    {
        public WaitingFault(long index, nint page, nint segmentEnd, in PageFaultEvent fault, long readAt, bool minor, int limit)
        {
            Limit = limit;
            Index = index;
            Page = page;
            SegmentEnd = segmentEnd;
            Event = fault;
            ReadAt = readAt;
            Minor = minor;
        }

        public long Index { get; }

        /// <summary>The most pages the fault fills, its own included (1 + its read-ahead).</summary>
        public int Limit { get; }

        public nint Page { get; }

        public nint SegmentEnd { get; }

        public PageFaultEvent Event { get; }

        public long ReadAt { get; }

        public bool Minor { get; }
    }
}
