using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CorePortal.Tests.Chain;

/// <summary>Where the built app and the repository's files are, seen from the test assembly's folder.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The app as built beside this test build (same configuration): CorePortal/bin/{Debug|Release}/net10.0/CorePortal.dll.</summary>
    public static string AppDll
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(Root, "CorePortal", "bin", framework.Parent!.Name, framework.Name, "CorePortal.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"The app is not built at {dll} (dotnet build CorePortal.Tests builds it).");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CorePortal.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No CorePortal.sln above {AppContext.BaseDirectory}.");
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>A child process whose output is kept (the last lines) for the failure message.</summary>
public abstract class ChildProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    protected Process? Process { get; private set; }

    public bool HasExited => Process is null || Process.HasExited;

    protected void Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        Process.OutputDataReceived += (_, e) => Keep(e.Data);
        Process.ErrorDataReceived += (_, e) => Keep(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Polls the URL until it answers 200, failing early if the process has died.</summary>
    protected async Task WaitUntilAnswersAsync(string url, TimeSpan patience)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited) throw new InvalidOperationException($"{this} exited with {Process?.ExitCode} before answering {url}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { } // busy starting
            await timer.WaitForNextTickAsync();
        }
        throw new TimeoutException($"{this} did not answer {url} within {patience}:\n{Output}");
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (Process is null || Process.HasExited) return;
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await KillAsync();
        Process?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One app server: `dotnet CorePortal.dll` on a loopback port, configured through its environment as an operator would.</summary>
public sealed class AppServer(string name, IReadOnlyDictionary<string, string> environment) : ChildProcess
{
    public int Port { get; } = Repository.FreePort();
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts the process (again, after a kill, on the same port) and waits until it is ready.</summary>
    public async Task StartAsync()
    {
        var dll = Repository.AppDll;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // static assets from the build output
        start.Environment["ASPNETCORE_URLS"] = BaseUrl;
        foreach (var (key, value) in environment) start.Environment[key] = value;
        Start(start);
        await WaitUntilAnswersAsync($"{BaseUrl}/health/ready", TimeSpan.FromMinutes(3));
    }

    public override string ToString() => $"app server {name} ({Address})";

    /// <summary>
    /// What every test server runs with: the demo seed (staff sign-ins, no generated clients), mail to a pickup folder, sign-in
    /// limits raised for tests that sign in many times, and the database given; <paramref name="more"/> adds or overrides.
    /// </summary>
    public static Dictionary<string, string> DemoEnvironment(string provider, string connectionString, params (string Key, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = provider,
            ["ConnectionStrings__Core"] = connectionString,
            ["Seed__Demo"] = "true",
            ["Seed__Clients"] = "0",
            ["Smtp__PickupFolder"] = Directory.CreateTempSubdirectory("coreportal-server-mail-").FullName,
            ["Auth__SignInsPerMinute"] = "100",
            ["Auth__SignInsPerAccountPerMinute"] = "100",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in more) environment[key] = value;
        return environment;
    }
}

/// <summary>Debian's nginx running the repository's CorePortal/deploy/nginx.conf, with only the upstreams and the port replaced.</summary>
public sealed class NginxProxy : ChildProcess
{
    public const string NginxPath = "/usr/sbin/nginx";
    public const string UpstreamHeader = "X-CorePortal-Upstream";
    private readonly string _prefix = Directory.CreateTempSubdirectory("coreportal-nginx-").FullName;
    private string _conf = "";

    public static string? Unavailable => File.Exists(NginxPath) ? null : $"nginx is not installed at {NginxPath} (apt-get install nginx); .ci/run installs it.";

    public int Port { get; } = Repository.FreePort();
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public async Task StartAsync(AppServer first, AppServer second)
    {
        var template = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "CorePortal", "deploy", "nginx.conf"));
        var conf = template.Replace("127.0.0.1:5001", first.Address, StringComparison.Ordinal)
            .Replace("127.0.0.1:5002", second.Address, StringComparison.Ordinal)
            .Replace("listen 8080;", $"listen 127.0.0.1:{Port};", StringComparison.Ordinal);
        if (conf == template) throw new InvalidOperationException("CorePortal/deploy/nginx.conf no longer has the upstreams and port this test replaces.");
        _conf = Path.Combine(_prefix, "nginx.conf");
        await File.WriteAllTextAsync(_conf, conf);
        foreach (var dir in new[] { "logs", "temp" }) Directory.CreateDirectory(Path.Combine(_prefix, dir));
        // As root, nginx's workers run as an unprivileged user: they must be able to write the temp folders.
        if (!OperatingSystem.IsWindows())
            foreach (var dir in new[] { _prefix, Path.Combine(_prefix, "temp") })
                File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);

        var start = new ProcessStartInfo(NginxPath);
        foreach (var arg in new[] { "-c", _conf, "-p", _prefix, "-e", Path.Combine(_prefix, "logs", "error.log"), "-g", "daemon off;" })
            start.ArgumentList.Add(arg);
        Start(start);
        await WaitUntilAnswersAsync($"{BaseUrl}/health/live", TimeSpan.FromSeconds(30));
    }

    public string ErrorLog => File.Exists(Path.Combine(_prefix, "logs", "error.log")) ? File.ReadAllText(Path.Combine(_prefix, "logs", "error.log")) : "";

    public override string ToString() => $"nginx ({BaseUrl})";

    public override async ValueTask DisposeAsync()
    {
        // The master stops its workers on "stop"; a SIGKILL would leave them holding the port.
        if (Process is { HasExited: false })
        {
            var stop = new ProcessStartInfo(NginxPath) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", _conf, "-p", _prefix, "-e", Path.Combine(_prefix, "logs", "error.log"), "-s", "stop" })
                stop.ArgumentList.Add(arg);
            using (var signal = Process.Start(stop)) if (signal is not null) await signal.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await Process.WaitForExitAsync(patience.Token); }
            catch (OperationCanceledException) { }
        }
        await base.DisposeAsync();
        try { Directory.Delete(_prefix, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }
}
