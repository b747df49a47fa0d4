namespace Uffd.Runtime.Tests.Arguments;

/// <summary>
/// The range and mode rules shared by every resolution ioctl, checked before the kernel is asked. After each rejected
/// call every page of the registered range is still missing (one ZEROPAGE over all of it succeeds).
/// </summary>
public sealed class ResolutionArgumentTests : IDisposable
{
    private static readonly int Page = Environment.SystemPageSize;
    private readonly UffdMemory memory = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
    private readonly UffdMemory source = UffdMemory.MapAnonymous(4 * Environment.SystemPageSize);
    private readonly byte[] staging = new byte[4 * Environment.SystemPageSize + 1];
    private readonly Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });

    public ResolutionArgumentTests()
    {
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing | RegisterMode.WriteProtect);
        source.AsSpan(0, (int)source.Length).Fill(0x5a);
    }

    public static TheoryData<string> Operations => new()
    {
        "Copy", "CopySpan", "ZeroPage", "Continue", "Poison", "Move", "Wake", "WriteProtect", "RemoveWriteProtection",
    };

    public void Dispose()
    {
        uffd.Unregister(memory.Address, memory.Length);
        uffd.Dispose();
        source.Dispose();
        memory.Dispose();
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Unaligned_destination_is_rejected(string operation)
    {
        string name = DestinationName(operation);
        ArgumentAssert.Throws(() => Call(operation, memory.Address + 64, Page), name,
            $"{name} 0x{memory.Address + 64:x} is not aligned to the page size ({Page})");
        AssertAllPagesStillMissing();
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Unaligned_length_is_rejected(string operation)
    {
        ArgumentAssert.Throws(() => Call(operation, memory.Address, Page + 1), "length",
            $"length {Page + 1} is not a multiple of the page size ({Page})", "whole pages");
        AssertAllPagesStillMissing();
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Empty_length_is_out_of_range(string operation)
    {
        ArgumentAssert.Throws<ArgumentOutOfRangeException>(() => Call(operation, memory.Address, 0), "length",
            "The length must be positive");
        AssertAllPagesStillMissing();
    }

    [Theory]
    [InlineData("Copy", "CopyMode", "DontWake, WriteProtect")]
    [InlineData("CopySpan", "CopyMode", "DontWake, WriteProtect")]
    [InlineData("ZeroPage", "ZeroPageMode", "DontWake")]
    [InlineData("Continue", "ContinueMode", "DontWake, WriteProtect")]
    [InlineData("Poison", "PoisonMode", "DontWake")]
    [InlineData("Move", "MoveMode", "DontWake, AllowSourceHoles")]
    public void Undefined_mode_bits_are_rejected(string operation, string modeType, string defined)
    {
        ArgumentAssert.Throws(() => Call(operation, memory.Address, Page, mode: 0x20), "mode",
            $"mode has bits 0x20 that {modeType} does not define (it defines {defined})");
        AssertAllPagesStillMissing();
    }

    [Fact]
    public void Move_rejects_an_unaligned_source()
    {
        ArgumentAssert.Throws(() => uffd.Move(memory.Address, source.Address + 16, Page), "source",
            $"source 0x{source.Address + 16:x} is not aligned to the page size ({Page})", "MOVE remaps whole pages");
        AssertAllPagesStillMissing();
        Assert.All(source.AsSpan(0, Page).ToArray(), b => Assert.Equal(0x5a, b));
    }

    private object Call(string operation, nint destination, long length, ulong mode = 0) => operation switch
    {
        "Copy" => uffd.Copy(destination, source.Address, length, (CopyMode)mode),
        "CopySpan" => uffd.Copy(destination, staging.AsSpan(0, (int)length), (CopyMode)mode),
        "ZeroPage" => uffd.ZeroPage(destination, length, (ZeroPageMode)mode),
        "Continue" => uffd.Continue(destination, length, (ContinueMode)mode),
        "Poison" => uffd.Poison(destination, length, (PoisonMode)mode),
        "Move" => uffd.Move(destination, source.Address, length, (MoveMode)mode),
        "Wake" => Wake(destination, length),
        "WriteProtect" => uffd.WriteProtect(destination, length),
        "RemoveWriteProtection" => uffd.RemoveWriteProtection(destination, length),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    private bool Wake(nint start, long length)
    {
        uffd.Wake(start, length);
        return true;
    }

    private static string DestinationName(string operation) =>
        operation is "Copy" or "CopySpan" or "Move" ? "destination" : "start";

    private void AssertAllPagesStillMissing() =>
        Assert.Equal(new UffdResult(UffdOutcome.Done, memory.Length, 0), uffd.ZeroPage(memory.Address, memory.Length));
}
