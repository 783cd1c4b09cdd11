using Microsoft.Extensions.Logging;

namespace CorePortal.Tests.Infrastructure;

/// <summary>Every line an app logs (at the levels its configuration lets through), and a way to wait for one.</summary>
public sealed class LogLines : ILoggerProvider
{
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

    public IReadOnlyList<string> Lines { get { lock (_gate) return [.. _lines]; } }

    /// <summary>The first line (logged already or later) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text, TimeSpan? patience = null)
    {
        bool Match(string line) => line.Contains(text, StringComparison.Ordinal);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(Match) is { } seen) return Task.FromResult(seen);
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Match, done));
            return done.Task.WaitAsync(patience ?? TimeSpan.FromSeconds(15));
        }
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Done.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogLines lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add($"{logLevel} {category}: {formatter(state, exception)}");
    }
}
