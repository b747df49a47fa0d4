using System.Runtime.Versioning;

// userfaultfd is a Linux system call; nothing in this assembly works elsewhere.
[assembly: SupportedOSPlatform("linux")]
