using System.Runtime.InteropServices;
using Uffd.Runtime.Tests.Infrastructure;

namespace Uffd.Runtime.Tests.Kernel.Support;

/// <summary>
/// Starts a child process that runs exactly one libc function, <c>strlen(arg)</c>, on a native stack and exits with
/// its result: no managed code runs in the child, so touching registered or poisoned memory there is safe to observe.
/// Without CLONE_VM the kernel duplicates the address space as fork does (and posts a FORK event when enabled).
/// </summary>
internal sealed unsafe class ClonedChild : IDisposable
{
    private const int StackSize = 64 * 1024;
    private static readonly Lazy<nint> Strlen = new(() => NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "strlen"));
    private readonly void* stack;

    private ClonedChild(void* stack, int pid)
    {
        this.stack = stack;
        Pid = pid;
    }

    public int Pid { get; }

    /// <summary>clone(strlen, stackTop, SIGCHLD, argument); returns once the kernel let the parent continue.</summary>
    public static ClonedChild StartStrlen(nint argument)
    {
        void* stack = NativeMemory.AlignedAlloc(StackSize, 64);
        int pid = TestLibc.clone(Strlen.Value, (nint)stack + StackSize, TestLibc.SIGCHLD, argument);
        if (pid < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            NativeMemory.AlignedFree(stack);
            throw new Xunit.Sdk.XunitException($"clone failed with errno {errno}");
        }

        return new ClonedChild(stack, pid);
    }

    /// <summary>Waits (bounded) for the child and returns its raw wait status; kills it if it does not end.</summary>
    public int Wait()
    {
        int status = 0;
        bool exited = false;
        DateTime deadline = DateTime.UtcNow + Bounded.Wait;
        while (!exited && DateTime.UtcNow < deadline)
        {
            int r = TestLibc.waitpid(Pid, &status, TestLibc.WNOHANG);
            Assert.True(r >= 0, $"waitpid({Pid}) failed with errno {Marshal.GetLastPInvokeError()}");
            exited = r == Pid;
            if (!exited)
            {
                Thread.Sleep(1);
            }
        }

        if (!exited)
        {
            TestLibc.kill(Pid, TestLibc.SIGKILL);
            TestLibc.waitpid(Pid, &status, 0);
            Assert.Fail($"child {Pid} did not exit within {Bounded.Wait}");
        }

        return status;
    }

    public void Dispose() => NativeMemory.AlignedFree(stack);
}
