using Akka.Configuration;
using Akka.Persistence.Sql;

namespace ePost.Post;

/// <summary>The journal of users' logs: Akka.Persistence.Sql on a SQLite file in the node's data directory.</summary>
public static class PostPersistence
{
    /// <summary>The journal's file name in the data directory.</summary>
    public const string FileName = "post.db";

    /// <summary>Akka configuration for a journal and snapshot store in <paramref name="dataDirectory"/>/post.db.</summary>
    /// <remarks>
    /// A file of its own next to the object store's node.db: both are SQLite in WAL mode, but each has one writer that
    /// holds its connection, so they never wait on each other's locks. The journal holds only what the ring holds
    /// (encrypted entry blocks and signed heads), never plaintext.
    /// </remarks>
    public static Config For(string dataDirectory)
    {
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        var connection = "Data Source=" + path.Replace("\\", "\\\\").Replace("\"", "\\\"");
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{connection}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{connection}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = on
                }
              }
            }
            """).WithFallback(SqlPersistence.DefaultConfiguration);
    }
}
