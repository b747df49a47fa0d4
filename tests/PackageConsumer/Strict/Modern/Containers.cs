using System;
using Uffd;

// C# 10: a file-scoped namespace and record containers (the LangVersion 8 build leaves this folder out).
namespace Strict.Modern;

#pragma warning disable CA1034 // nested public types are the case under test

/// <summary>A record class container.</summary>
public partial record Settings(int Pages)
{
    /// <summary>Nested in a record.</summary>
    [FaultRegion(Pages = 4)]
    public sealed partial class Backing
    {
        [PageProvider]
        private static void Fill(long pageIndex, Span<byte> page) => page.Fill(7);
    }
}

/// <summary>A record struct container.</summary>
public readonly partial record struct Handle(int Id)
{
    /// <summary>Nested in a record struct, unsealed.</summary>
    [FaultRegion(Pages = 4, UserModeOnly = UserModeOnlyPolicy.Require)]
    public partial class Backing
    {
        [PageProvider]
        private static PageFill Fill(PageFaultContext context, Span<byte> page) => PageFill.Filled;
    }
}
