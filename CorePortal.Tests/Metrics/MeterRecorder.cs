using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CorePortal.Tests.Metrics;

/// <summary>
/// What one container's meters record, by instrument name: sums for counters, the last value for observable gauges.
/// Only that container's: other apps in the test process have meters of the same name.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _values = new();

    public MeterRecorder(IMeterFactory container)
    {
        _listener.InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Scope == container) listener.EnableMeasurementEvents(instrument); };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.IsObservable) _values[instrument.Name] = value;
            else _values.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public long this[string instrument]
    {
        get
        {
            _listener.RecordObservableInstruments();
            return _values.GetValueOrDefault(instrument);
        }
    }

    public void Dispose() => _listener.Dispose();
}
