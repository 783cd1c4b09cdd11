using System.Diagnostics;
using CorePortal.Features.Clients;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CorePortal.Benchmarks;

/// <summary>
/// Client search through ClientSearchService.SearchAsync (first page of 25, plus a count of up to 1,001 matches when the
/// page is full), per query kind, against one hand-written indexed SQL query on the same key column (first page of 25, same order),
/// on the host's engine (the same SQL reads on both: quoted names, @ parameters; the key columns compare in code-point order).
/// </summary>
public static class SearchScenario
{
    private sealed record Kind(string Name, Func<Sample, string> Query, string Sql, Func<string, (string Low, string? High)> Key);

    private sealed record Sample(string FirstName, string Email, string PhoneDigits, string Barcode);

    private const string Select = """SELECT c."Id", c."FirstName", c."LastName", c."Email", c."Phone", c."Barcode", l."Name" FROM "Clients" c JOIN "Locations" l ON l."Id" = c."HomeLocationId" WHERE """;
    private const string Page = """ ORDER BY c."LastNameKey", c."FirstNameKey", c."Id" LIMIT 25""";

    private static readonly Kind[] Kinds =
    [
        new("name prefix", s => s.FirstName[..Math.Min(3, s.FirstName.Length)], """c."FirstNameKey" >= @low AND c."FirstNameKey" < @high""", q => (ClientSearchKeys.Text(q), ClientSearchKeys.Text(q) + '\uffff')),
        new("email prefix", s => s.Email[..Math.Min(6, s.Email.Length)], """c."EmailKey" >= @low AND c."EmailKey" < @high""", q => (ClientSearchKeys.Text(q), ClientSearchKeys.Text(q) + '\uffff')),
        new("phone digits", s => s.PhoneDigits[^Math.Min(6, s.PhoneDigits.Length)..], """c."PhoneDigitsReversed" >= @low AND c."PhoneDigitsReversed" < @high""", q => (ClientSearchKeys.Reverse(q), ClientSearchKeys.Reverse(q) + '\uffff')),
        new("barcode", s => s.Barcode, """c."Barcode" = @low""", q => (q, null)),
    ];

    public static async Task<List<ResultRow>> RunAsync(BenchHost host, int queries, int warmup)
    {
        var samples = await SamplesAsync(host, queries);
        var rows = new List<ResultRow>();
        await using var raw = host.OpenRaw();
        foreach (var kind in Kinds)
        {
            var service = new List<double>();
            var baseline = new List<double>();
            var found = 0;
            for (var i = -warmup; i < samples.Count; i++)
            {
                var q = kind.Query(samples[((i % samples.Count) + samples.Count) % samples.Count]);
                var watch = Stopwatch.StartNew();
                await using (var scope = host.Services.CreateAsyncScope())
                {
                    var page = (await scope.ServiceProvider.GetRequiredService<ClientSearchService>().SearchAsync(BenchUsers.Staff, q)).Value!;
                    if (i >= 0 && page.Total > 0) found++;
                }
                var serviceMs = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var count = await HandWrittenAsync(raw, kind, q);
                var baselineMs = watch.Elapsed.TotalMilliseconds;
                if (i < 0) continue;
                service.Add(serviceMs);
                baseline.Add(baselineMs);
                if (count == 0) throw new InvalidOperationException($"Hand-written {kind.Name} query found nothing for '{q}'.");
            }
            var p50 = Stats.Percentile(service, 50);
            var p95 = Stats.Percentile(service, 95);
            var b50 = Stats.Percentile(baseline, 50);
            var b95 = Stats.Percentile(baseline, 95);
            rows.Add(new ResultRow($"search: {kind.Name}{EngineSuffix(host)}", $"{samples.Count} queries, {found} with hits", p50, p95, null,
                $"hand-written SQL p50 {b50:F3} / p95 {b95:F3} ms", p95 / b95, "ratio = service p95 / SQL p95; on a full page the service also counts (up to 1,001)"));
        }
        return rows;
    }

    /// <summary>Rows measured on PostgreSQL say so; SQLite, the default engine, keeps the names the README has always shown.</summary>
    public static string EngineSuffix(BenchHost host) => host.Engine == CorePortal.Data.DatabaseEngine.Postgres ? $" ({host.EngineLabel})" : "";

    private static async Task<int> HandWrittenAsync(DbConnection raw, Kind kind, string q)
    {
        var (low, high) = kind.Key(kind.Name == "phone digits" ? ClientSearchKeys.Digits(q) : q);
        await using var command = raw.CreateCommand();
        command.CommandText = Select + kind.Sql + Page;
        Add(command, "@low", low);
        if (high is not null) Add(command, "@high", high);
        await using var reader = await command.ExecuteReaderAsync();
        var n = 0;
        while (await reader.ReadAsync()) n++;
        return n;
    }

    private static void Add(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Real clients picked evenly through the table, so every query has at least one hit.</summary>
    private static async Task<List<Sample>> SamplesAsync(BenchHost host, int count)
    {
        await using var db = host.CreateDbContext();
        var total = await db.Clients.CountAsync();
        var step = Math.Max(1, total / count);
        var ids = Enumerable.Range(0, count).Select(i => 1 + (i * step % total)).ToList();
        var rows = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new Sample(c.FirstName, c.Email, c.PhoneDigits, c.Barcode)).ToListAsync();
        return rows.Where(r => r.FirstName.Length > 0 && r.PhoneDigits.Length >= 3).ToList();
    }
}
