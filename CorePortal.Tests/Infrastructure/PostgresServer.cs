using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CorePortal.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's packages, started on first use on a free loopback port (fsync off: tests need no
/// durability) and stopped when the test process exits. The app's migrations make a template database once; every test
/// database is a copy of it, dropped on dispose. Without the server binary, tests that need it are skipped with the reason,
/// except under CI, where they fail.
/// </summary>
public sealed class PostgresServer
{
    private const string Template = "coreportal_template";
    private static readonly Lazy<PostgresServer> Lazy = new(() => new PostgresServer());
    private readonly string? _bin;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coreportal-pg-").FullName;
    private readonly Lock _creating = new();
    private int _databases;

    /// <summary>The one server of this test process.</summary>
    public static PostgresServer Shared => Lazy.Value;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => Binaries() is null
        ? "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/postgres; apt-get install postgresql); .ci/run installs it."
        : null;

    /// <summary>Skips the test without PostgreSQL, except under CI, where a missing server is a failure.</summary>
    public static void SkipIfUnavailable()
    {
        if (Unavailable is null) return;
        if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(Unavailable);
        Assert.Skip(Unavailable);
    }

    public int Port { get; }

    private PostgresServer()
    {
        SkipIfUnavailable();
        _bin = Binaries()!;
        Port = FreePort();
        var asRoot = Environment.UserName == "root"; // the server refuses to run as root: run it as Debian's postgres user
        if (asRoot) Run("chown", "-R", "postgres:postgres", _dataDir);
        Run(asRoot, Path.Combine(_bin, "initdb"), "-D", _dataDir, "-U", "postgres", "--auth=trust", "--locale=C.UTF-8", "-E", "UTF8", "--no-sync");
        Run(asRoot, Path.Combine(_bin, "pg_ctl"), "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=600",
            "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(asRoot, Path.Combine(_bin, "pg_ctl"), "-D", _dataDir, "-m", "immediate", "stop");

        Execute("postgres", $"CREATE DATABASE {Template}");
        var options = new DbContextOptionsBuilder<CoreDbContext>();
        PostgresSetup.Configure(options, ConnectionString(Template));
        using (var db = new PostgresCoreDbContext(options.Options, new WriteGate()))
            db.MigrateAsync().GetAwaiter().GetResult();
        NpgsqlConnection.ClearAllPools(); // a template must have no connections when it is copied
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=40;Include Error Detail=true";

    /// <summary>A new database with the app's schema and nothing in it; its connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        lock (_creating) // copies of one template one at a time: PostgreSQL refuses a copy while another reads the template
            Execute("postgres", $"CREATE DATABASE {name} TEMPLATE {Template}");
        return ConnectionString(name);
    }

    /// <summary>A new database with no schema at all, for what an app does on its first start; its connection string.</summary>
    public string CreateEmptyDatabase()
    {
        var name = $"empty_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        Execute("postgres", $"CREATE DATABASE {name} TEMPLATE template0");
        return ConnectionString(name);
    }

    public void DropDatabase(string connectionString)
    {
        using (var connection = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(connection);
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        Execute("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private void Execute(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string? Binaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static void Run(string file, params string[] args) => Run(false, file, args);

    private static void Run(bool asPostgres, string file, params string[] args)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", file }) start.ArgumentList.Add(a);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output.Result}{error.Result}");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>
/// The engine the engine-neutral suites run on: SQLite, or PostgreSQL when COREPORTAL_TEST_ENGINE=Postgres (the second pass of
/// .ci/run). Tests that hold only on one engine say so with <c>[Trait("Engine", "Sqlite")]</c> or by naming the engine.
/// </summary>
public static class TestEngine
{
    public static DatabaseEngine Current { get; } =
        string.Equals(Environment.GetEnvironmentVariable("COREPORTAL_TEST_ENGINE"), "Postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseEngine.Postgres
            : DatabaseEngine.Sqlite;
}
