using System;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Uffd.Runtime.Probe;

/// <summary>
/// The client side of a page server, as a VMM is: maps <c>pages</c> pages, creates a uffd and registers them, sends
/// the uffd over the Unix socket at <c>path</c> with a payload naming the mapping ("base size"), then reads every
/// page (from native code) and checks the bytes the server installed: page i is filled with (i * 7 + 1). Prints
/// "verified N pages" or what differed. The memory is never served here: only the server, in another process, can.
/// </summary>
internal static class RemoteClientMode
{
    public static byte PatternOf(long page) => (byte)(page * 7 + 1);

    public static int Run(string path, int pages)
    {
        using UffdMemory memory = UffdMemory.MapAnonymous((long)pages * Environment.SystemPageSize);
        using Userfaultfd uffd = Userfaultfd.Create(new UffdOptions
        {
            UserModeOnly = UserModeOnlyPolicy.Allow,
            RequiredFeatures = UffdFeatures.EventRemove | UffdFeatures.EventUnmap,
            RevokeAccessOnClose = false,
        });
        uffd.Register(memory.Address, memory.Length, RegisterMode.Missing);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        byte[] payload = Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{(long)memory.Address} {memory.Length}\n"));
        UffdSocket.Send(socket, uffd, payload);

        byte[] page = new byte[Environment.SystemPageSize];
        for (int i = 0; i < pages; i++)
        {
            GcSafeMemory.Read(memory.Address + (nint)((long)i * page.Length), page);
            int wrong = page.AsSpan().IndexOfAnyExcept(PatternOf(i));
            if (wrong >= 0)
            {
                Program.Print($"page {i} byte {wrong} is 0x{page[wrong]:x2}, not 0x{PatternOf(i):x2}");
                return Program.Unexpected;
            }
        }

        Program.Print($"verified {pages} pages");
        uffd.Unregister(memory.Address, memory.Length);
        return 0;
    }
}
