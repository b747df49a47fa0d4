using System.Runtime.InteropServices;

namespace Uffd.Runtime.Tests.Arguments;

/// <summary>Argument errors of the message side: reading into nothing, and adopting a child uffd from a non-FORK message.</summary>
public sealed class EventArgumentTests
{
    [Fact]
    public void ReadMessages_needs_room_for_one_message()
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });

        ArgumentAssert.Throws(() => uffd.ReadMessages(Span<UffdMessage>.Empty), "buffer", "at least one 32-byte message");
        Assert.Equal(0, uffd.ReadMessages(new UffdMessage[1]));
    }

    [Theory]
    [InlineData(UffdEventKind.PageFault, "PageFault")]
    [InlineData(UffdEventKind.Remap, "Remap")]
    [InlineData((UffdEventKind)0x20, "an unknown event (code 0x20)")]
    public void AdoptForkedChild_refuses_a_message_that_is_not_a_Fork(UffdEventKind kind, string described)
    {
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions { RevokeAccessOnClose = false });

        // arg0 holds this uffd's own number: adopting it by mistake would close it when the "child" is disposed.
        byte[] raw = new byte[32];
        raw[0] = (byte)kind;
        MemoryMarshal.Write(raw.AsSpan(8), (ulong)uffd.Handle.DangerousGetFd());
        UffdMessage message = MemoryMarshal.Read<UffdMessage>(raw);

        ArgumentAssert.Throws(() => uffd.AdoptForkedChild(message), "message",
            $"Only a Fork message carries a child uffd; this is {described}.");
        Assert.Equal(0, uffd.ReadFdInfo().Total);
    }
}
