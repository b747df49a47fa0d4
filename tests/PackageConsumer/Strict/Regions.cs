using System;
using System.Collections.Generic;
using Uffd;

// userfaultfd exists only on Linux: declaring it once silences CA1416 at every call.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: CLSCompliant(false)]

namespace Strict
{
    /// <summary>Unsealed, so a derived class could add to it: the generated Dispose must follow the pattern (CA1063).</summary>
    [FaultRegion(Mode = FaultMode.Missing, Pages = 64)]
    public partial class Letters
    {
        private readonly byte _first;

        /// <summary>Creates the region; pages start at <paramref name="first"/>.</summary>
        public Letters(byte first) => _first = first;

        [PageProvider]
        private void Fill(long pageIndex, Span<byte> page) => page.Fill((byte)(_first + pageIndex % 26));
    }

    /// <summary>Derives from an unsealed region and disposes what it adds.</summary>
    public class NamedLetters : Letters
    {
        /// <summary>Creates the region.</summary>
        public NamedLetters() : base((byte)'a')
        {
        }
    }

    /// <summary>Sealed, with a static provider that returns a <see cref="PageFill"/>.</summary>
    [FaultRegion(Pages = 16, OnProviderError = ProviderErrorPolicy.ZeroFill, UserModeOnly = UserModeOnlyPolicy.Allow)]
    public sealed partial class Zeros
    {
        [PageProvider]
        private static PageFill Fill(in PageFaultContext context, Span<byte> page) => PageFill.Zero;
    }

    /// <summary>Missing and synchronous WriteProtect with a write handler that counts.</summary>
    [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 32, ProtectOnFill = true)]
    public partial class Journal
    {
        private long _writes;

        /// <summary>Writes seen since the region was opened.</summary>
        public long Writes => System.Threading.Interlocked.Read(ref _writes);

        [PageProvider(WritesWholePage = true)]
        private void Fill(PageFaultContext context, Span<byte> page) => page.Fill((byte)(context.PageIndex + _writes));

        [WriteHandler]
        private void OnWrite(long pageIndex) => System.Threading.Interlocked.Increment(ref _writes);
    }

    /// <summary>Asynchronous write tracking, Pages given to Open; internal.</summary>
    [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, WriteTracking = WriteTracking.Asynchronous)]
    internal sealed partial class Checkpoint
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Clear();

        internal static int Count(long pages)
        {
            using var region = new Checkpoint();
            region.Open(pages);
            return region.CollectWrittenPages().Count;
        }
    }

#pragma warning disable UFFD0011 // deliberate: writes unprotect pages and nobody needs to hear of them
    /// <summary>Write protection only, no provider and no handler.</summary>
    [FaultRegion(Mode = FaultMode.WriteProtect, Pages = 8, HandlerThreads = 1)]
    public sealed partial class Unwatched
    {
    }
#pragma warning restore UFFD0011

    /// <summary>Minor faults on shared memory, staged through the alias view.</summary>
    [FaultRegion(Mode = FaultMode.Minor, Memory = RegionMemory.Shared, Pages = 8, ReadAhead = 0)]
    public sealed partial class Staged
    {
        private readonly List<long> _served = new List<long>();

        /// <summary>Pages the provider saw.</summary>
        public IReadOnlyList<long> Served => _served;

        [PageProvider]
        private void Fill(long pageIndex, Span<byte> page) => _served.Add(pageIndex);
    }

    /// <summary>Obsolete callbacks: the generated calls must not warn (CS0612, CS0618).</summary>
    [FaultRegion(Mode = FaultMode.Missing | FaultMode.WriteProtect, Pages = 4)]
    public sealed partial class Legacy
    {
        [Obsolete("kept for old files")]
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(1);

        [Obsolete]
        [WriteHandler]
        private static void OnWrite(long pageIndex)
        {
        }
    }

    /// <summary>An experimental provider: its diagnostic (an error by default) is for other callers, not the region.</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class Preview
    {
        [System.Diagnostics.CodeAnalysis.Experimental("STRICT001")]
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(8);
    }

#pragma warning disable CA1034 // nested public types are the case under test
    /// <summary>Nested in a static class and a struct.</summary>
    public static partial class Outer
    {
        /// <summary>A container that is a struct.</summary>
        public partial struct Middle : IEquatable<Middle>
        {
            /// <summary>Nested region.</summary>
            [FaultRegion(Pages = 4)]
            public sealed partial class Inner
            {
                [PageProvider]
                private static void Fill(long pageIndex, Span<byte> page) => page.Fill(2);
            }

            /// <inheritdoc/>
            public readonly bool Equals(Middle other) => true;

            /// <inheritdoc/>
            public override readonly bool Equals(object? obj) => obj is Middle;

            /// <inheritdoc/>
            public override readonly int GetHashCode() => 0;

            /// <summary>Equal.</summary>
            public static bool operator ==(Middle left, Middle right) => left.Equals(right);

            /// <summary>Not equal.</summary>
            public static bool operator !=(Middle left, Middle right) => !left.Equals(right);
        }
    }
#pragma warning restore CA1034
}
