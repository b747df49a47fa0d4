using System;
using Uffd.Regions;

namespace Uffd;

/// <summary>
/// A writable span over region memory whose pages stay present and writable until <see cref="Dispose"/>: a
/// <c>Protect</c> of a synchronous write-protect region waits for the leases over the region to end before it
/// protects again. Obtain one with <c>LeaseSpan</c> and dispose it with <c>using</c>; do not copy it.
/// </summary>
/// <remarks>
/// Without the lease, a write through a span to a page that a concurrent <c>Protect</c> had just protected would fault
/// in managed code, where a thread blocked in a fault can deadlock the whole process with the garbage collector.
/// After <see cref="Dispose"/>, <see cref="Span"/> is empty: a use after the end fails on its bounds instead of hanging.
/// </remarks>
public ref struct SpanLease
{
    private SpanLeaseGate? gate;
    private Span<byte> span;

    internal SpanLease(Span<byte> span, SpanLeaseGate? gate)
    {
        this.span = span;
        this.gate = gate;
    }

    /// <summary>The leased bytes; empty after <see cref="Dispose"/>.</summary>
    public readonly Span<byte> Span => span;

    /// <summary>The number of leased bytes.</summary>
    public readonly int Length => span.Length;

    /// <summary>Ends the lease. A second call on the same variable does nothing.</summary>
    public void Dispose()
    {
        SpanLeaseGate? held = gate;
        this = default;
        held?.Exit();
    }
}
