namespace ePost.Storage.Tests.Support;

/// <summary>A fresh directory under the system temp dir, deleted with everything in it at dispose.</summary>
public sealed class TempDataDirectory : IDisposable
{
    public TempDataDirectory() =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "epost-storage-tests", Guid.NewGuid().ToString("N"))).FullName;

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
