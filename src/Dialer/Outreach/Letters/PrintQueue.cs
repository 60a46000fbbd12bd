using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace Collections.Dialer.Outreach.Letters;

/// <summary>
/// The folder printed letters are handed over in: one PDF per letter, for the print shop or the mail room to collect. A file
/// appears under its final name only when it is complete and on disk: it is written to a hidden temporary name, flushed to
/// the device (fsync), renamed, and the folder itself is flushed so the rename survives a power cut (POSIX rename(2) is
/// atomic; its durability needs the directory's fsync). A letter counts as sent once that has happened.
/// </summary>
public sealed partial class PrintQueue
{
    public PrintQueue(string directory)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
    }

    /// <summary>The folder, as an absolute path.</summary>
    public string Directory { get; }

    /// <summary>The configured folder, or <c>print-queue</c> beside the data (the SQLite file's folder).</summary>
    public static string DirectoryFor(OutreachOptions options, IConfiguration configuration) =>
        options.PrintQueueDirectory ?? Path.Combine(DataFolder.Resolve(configuration), "print-queue");

    /// <summary>The full path of the letter <paramref name="name"/>; refuses names that would leave the folder.</summary>
    public string PathOf(string name)
    {
        var full = Path.GetFullPath(Path.Combine(Directory, name));
        if (!full.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetFileName(full) != name)
        {
            throw new ArgumentException($"'{name}' is not a file name inside the print queue", nameof(name));
        }

        return full;
    }

    /// <summary>True when the letter was handed over already (its file exists under its final name).</summary>
    public bool Contains(string name) => File.Exists(PathOf(name));

    /// <summary>Hands the letter over: written, flushed to disk and renamed into place; then the folder is flushed.</summary>
    public async Task WriteAsync(string name, byte[] pdf, CancellationToken cancellationToken)
    {
        var final = PathOf(name);
        var temporary = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(pdf, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, final, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        FlushDirectory(Directory);
    }

    /// <summary>fsync(2) of the folder, so the new name is durable. Windows needs none (NTFS journals the rename).</summary>
    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"cannot open '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
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
