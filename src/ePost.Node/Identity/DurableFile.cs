using System.Runtime.InteropServices;

namespace ePost.Node.Identity;

/// <summary>Writes small files so that a crash leaves either the old or the new content, never a torn file.</summary>
public static partial class DurableFile
{
    /// <summary>Writes to a temporary file, flushes it to disk, renames it over the target and flushes the directory.</summary>
    public static void WriteAtomically(string path, byte[] content, bool ownerOnly)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsync on the directory makes a rename in it durable (POSIX); .NET cannot open directories, so call libc.</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        const int readOnly = 0, directoryFlag = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)
        var fd = Open(directory, readOnly | (OperatingSystem.IsLinux() ? directoryFlag : 0));
        if (fd < 0) throw new IOException($"Cannot open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
