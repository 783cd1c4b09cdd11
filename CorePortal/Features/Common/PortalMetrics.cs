using System.Diagnostics.Metrics;

namespace CorePortal.Features.Common;

/// <summary>
/// The app's own measurements, all under one meter that <c>/metrics</c> exports (see MetricsSetup). Prometheus names
/// come from the instrument names: dots become underscores, counters gain <c>_total</c>, a unit of seconds <c>_seconds</c>.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "CorePortal";

    private readonly Counter<long> _bookings;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _outboxFailures;
    private readonly UpDownCounter<long> _circuits;
    private readonly UpDownCounter<long> _hubConnections;
    private readonly Histogram<double> _dbCommands;
    private long _outboxPending;

    public PortalMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _bookings = meter.CreateCounter<long>("coreportal.bookings", "{booking}", "Bookings made; a replayed request is not counted again.");
        _refusals = meter.CreateCounter<long>("coreportal.booking_refusals", "{booking}", "Booking requests refused, by reason.");
        _outboxFailures = meter.CreateCounter<long>("coreportal.outbox.failures", "{attempt}", "Failed delivery attempts of outbox messages.");
        // The count the outbox worker last saw: a scrape never touches the database.
        meter.CreateObservableGauge("coreportal.outbox.pending", () => Volatile.Read(ref _outboxPending), "{message}", "Outbox messages waiting to be sent.");
        _circuits = meter.CreateUpDownCounter<long>("coreportal.circuits.open", "{circuit}", "Blazor circuits open on this server.");
        _hubConnections = meter.CreateUpDownCounter<long>("coreportal.hub.connections", "{connection}", "Connections to the balances hub on this server.");
        // SQLite commands mostly take well under a millisecond: the default buckets (meant for milliseconds) would lump them all together.
        _dbCommands = meter.CreateHistogram("coreportal.db.command.duration", "s", "Time the database took per command.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] });
    }

    /// <summary>The short, stable code a refusal is counted under.</summary>
    public static string ReasonOf(Outcome outcome) => outcome switch
    {
        Outcome.Forbidden => "forbidden",
        Outcome.NotFound => "not_found",
        Outcome.Conflict => "conflict",
        _ => "invalid",
    };

    public void BookingMade() => _bookings.Add(1);

    public void BookingRefused(Outcome outcome) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", ReasonOf(outcome)));

    public void OutboxAttemptFailed() => _outboxFailures.Add(1);

    public void OutboxPendingSeen(int count) => Volatile.Write(ref _outboxPending, count);

    public void CircuitOpened() => _circuits.Add(1);

    public void CircuitClosed() => _circuits.Add(-1);

    public void HubConnected() => _hubConnections.Add(1);

    public void HubDisconnected() => _hubConnections.Add(-1);

    public void DbCommandTook(TimeSpan duration) => _dbCommands.Record(duration.TotalSeconds);
}
