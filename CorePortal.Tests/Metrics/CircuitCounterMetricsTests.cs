using System.Diagnostics.Metrics;
using CorePortal.Features.Common;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Tests.Metrics;

public sealed class CircuitCounterMetricsTests
{
    [Fact]
    public async Task Circuits_count_up_when_opened_and_down_when_closed()
    {
        await using var services = new ServiceCollection().AddMetrics().AddSingleton<PortalMetrics>().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        long open = 0;
        using var listener = new MeterListener
        {
            // Only this container's meter: other apps in the test process have meters of the same name.
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Scope == factory && instrument.Name == "coreportal.circuits.open") l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref open, value));
        listener.Start();
        var counter = new CircuitCounter(services.GetRequiredService<PortalMetrics>());
        var ct = TestContext.Current.CancellationToken;

        await counter.OnCircuitOpenedAsync(null!, ct); // the counter never looks at the circuit
        await counter.OnCircuitOpenedAsync(null!, ct);
        await counter.OnCircuitClosedAsync(null!, ct);

        Assert.Equal(1, Interlocked.Read(ref open));
    }
}
