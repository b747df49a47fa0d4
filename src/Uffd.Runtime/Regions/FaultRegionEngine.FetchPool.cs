using System;
using System.Threading;

namespace Uffd.Regions;

public sealed partial class FaultRegionEngine<TCallbacks>
{
    /// <summary>
    /// The region's asynchronous provider calls: at most MaxFaultsInFlight outstanding, each in a
    /// <see cref="PageFetch"/> reused from call to call; the faults that wait for one, in order; and the
    /// cancellation Dispose signals. A fault that finds every fetch busy is queued with its page claimed (so a second
    /// fault on the page joins it), and the fetch that completes next takes it over. One fetch per pinned dispatcher
    /// thread is made with the pool (its buffer on first use): calls that complete at once, served one at a time per
    /// thread, never make another, so that path allocates nothing from the first fault on.
    /// </summary>
    private sealed class FetchPool
    {
        private readonly FaultRegionEngine<TCallbacks> engine;
        private readonly object gate = new();
        private readonly int capacityPages;
        private readonly PageFetch[] idle;
        private readonly PageFetch?[] all;
        private int idleCount;
        private int created;
        private int inFlight;
        private WaitingFault[] waiting = new WaitingFault[16];
        private int waitingHead;
        private int waitingCount;
        private bool closed;
        private bool freed;

        /// <param name="engine">The region whose calls these are.</param>
        /// <param name="capacityPages">The most pages one fetch holds: MaxPagesPerCall, at most the staging run (1 + ReadAhead, at most the region).</param>
        /// <param name="maxInFlight">MaxFaultsInFlight, or its default.</param>
        /// <param name="handlerThreads">The pinned dispatcher threads, one fetch made for each.</param>
        public FetchPool(FaultRegionEngine<TCallbacks> engine, int capacityPages, int maxInFlight, int handlerThreads)
        {
            this.engine = engine;
            this.capacityPages = capacityPages;
            idle = new PageFetch[maxInFlight];
            all = new PageFetch?[maxInFlight];
            for (int i = 0; i < Math.Min(handlerThreads, maxInFlight); i++)
            {
                idle[idleCount++] = Make();
            }
        }

        /// <summary>The token every provider call gets: cancelled by Dispose.</summary>
        public CancellationTokenSource Cancellation { get; } = new();

        /// <summary>The most pages one fetch holds.</summary>
        public int CapacityPages => capacityPages;

        /// <summary>Fetches outstanding (called, or being installed).</summary>
        public int InFlight => Volatile.Read(ref inFlight);

        /// <summary>True once Dispose closed the pool: no fetch starts, and a failed one poisons its pages.</summary>
        public bool IsClosed => Volatile.Read(ref closed);

        /// <summary>
        /// A fetch for a fault whose page is claimed; null when every fetch is busy (the fault is queued, and a fetch
        /// that completes takes it over) or when the pool is closed (<paramref name="isClosed"/>: the caller poisons it).
        /// </summary>
        public PageFetch? Rent(in WaitingFault fault, out bool isClosed)
        {
            lock (gate)
            {
                isClosed = closed;
                if (closed)
                {
                    return null;
                }

                if (inFlight == idle.Length)
                {
                    Enqueue(in fault);
                    return null;
                }

                PageFetch fetch = Take();
                Prepare(fetch, in fault, speculative: false);
                return fetch;
            }
        }

        /// <summary>A fetch for read-ahead nobody waits on yet, only if one is free: read-ahead never queues.</summary>
        public PageFetch? RentSpeculative(in WaitingFault start)
        {
            lock (gate)
            {
                if (closed || inFlight == idle.Length || waitingCount > 0)
                {
                    return null;
                }

                PageFetch fetch = Take();
                Prepare(fetch, in start, speculative: true);
                return fetch;
            }
        }

        /// <summary>
        /// Ends a fetch. When a fault waits, the fetch is prepared for it and returned (the caller claims its run and
        /// calls the provider); otherwise it goes back to the pool (or is freed, after Dispose) and null is returned.
        /// </summary>
        public PageFetch? Return(PageFetch fetch)
        {
            lock (gate)
            {
                if (waitingCount > 0 && !closed)
                {
                    WaitingFault next = waiting[waitingHead];
                    waitingHead = (waitingHead + 1) % waiting.Length;
                    waitingCount--;
                    Prepare(fetch, in next, speculative: false);
                    return fetch;
                }

                inFlight--;
                if (freed)
                {
                    fetch.Free();
                }
                else
                {
                    idle[idleCount++] = fetch;
                }

                return null;
            }
        }

        /// <summary>Dispose: no fetch starts from now on; returns the queued faults (their pages are claimed) and cancels the calls.</summary>
        public WaitingFault[] Close()
        {
            WaitingFault[] queued;
            lock (gate)
            {
                closed = true;
                queued = new WaitingFault[waitingCount];
                for (int i = 0; i < waitingCount; i++)
                {
                    queued[i] = waiting[(waitingHead + i) % waiting.Length];
                }

                waitingCount = 0;
            }

            try
            {
                Cancellation.Cancel();
            }
            catch (AggregateException)
            {
                // A provider's cancellation callback threw: the calls are cancelled all the same, and Dispose never throws.
            }

            return queued;
        }

        /// <summary>Frees the idle fetches' buffers; a fetch still outstanding frees its own when it ends.</summary>
        public void Free()
        {
            lock (gate)
            {
                freed = true;
                for (int i = 0; i < idleCount; i++)
                {
                    idle[i].Free();
                }

                idleCount = 0;
            }
        }

        /// <summary>The states of every fetch made so far.</summary>
        public RegionThreadState[] States()
        {
            int count = Volatile.Read(ref created);
            var result = new RegionThreadState[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = Volatile.Read(ref all[i])!.State;
            }

            return result;
        }

        private PageFetch Take()
        {
            inFlight++;
            if (idleCount > 0)
            {
                return idle[--idleCount];
            }

            return Make();
        }

        private PageFetch Make()
        {
            var fetch = new PageFetch(engine, capacityPages);
            Volatile.Write(ref all[created], fetch);
            Volatile.Write(ref created, created + 1);
            return fetch;
        }

        private static void Prepare(PageFetch fetch, in WaitingFault fault, bool speculative)
        {
            fetch.Fault = fault;
            fetch.Count = 1;
            fetch.Speculative = speculative;
        }

        /// <summary>Queues a fault; the queue grows (allocating) only while every fetch is busy.</summary>
        private void Enqueue(in WaitingFault fault)
        {
            if (waitingCount == waiting.Length)
            {
                var grown = new WaitingFault[waiting.Length * 2];
                for (int i = 0; i < waitingCount; i++)
                {
                    grown[i] = waiting[(waitingHead + i) % waiting.Length];
                }

                waiting = grown;
                waitingHead = 0;
            }

            waiting[(waitingHead + waitingCount) % waiting.Length] = fault;
            waitingCount++;
        }
    }
}
