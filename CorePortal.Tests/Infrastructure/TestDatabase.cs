using CorePortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Tests.Infrastructure;

/// <summary>A real SQLite file in a temp folder, migrated, with the app's own connection settings. Deleted on dispose.</summary>
public sealed class TestDatabase : IDbContextFactory<CoreDbContext>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("coreportal-test-").FullName;

    public TestDatabase()
    {
        Path = System.IO.Path.Combine(_folder, "test.db");
        ConnectionString = $"Data Source={Path}";
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string Path { get; }
    public string ConnectionString { get; }

    public CoreDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        SqliteSetup.Configure(options, ConnectionString);
        return new CoreDbContext(options.Options);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}
