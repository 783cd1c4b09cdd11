using System.Linq.Expressions;
using System.Reflection;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Clients;

public sealed record ClientRow(int Id, string FirstName, string LastName, string Email, string Phone, string Barcode, string HomeLocation)
{
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>One page of matches. With <c>TotalIsCapped</c> more than <c>Total</c> clients match (counting stopped there).</summary>
public sealed record ClientPage(IReadOnlyList<ClientRow> Rows, int Total, bool TotalIsCapped = false);

/// <summary>
/// Finds clients by name, email, phone or barcode. Every branch is a range or equality lookup on an indexed
/// search-key column, so a query stays fast at 100,000 clients: text matches the start of a first name,
/// last name or email, case-insensitively; phone digits match the start or the end of the number,
/// ignoring spaces, dashes, brackets and a leading +; a barcode matches exactly.
/// </summary>
public sealed class ClientSearchService(IDbContextFactory<CoreDbContext> dbFactory)
{
    public const int DefaultPageSize = 25;

    /// <summary>Counting stops past this many matches: a three-letter name matches thousands, and nobody pages through them.</summary>
    public const int CountLimit = 1_000;

    public async Task<ClientPage> SearchAsync(string? query, int page = 0, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        page = Math.Max(0, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var matches = Filter(db.Clients.AsNoTracking(), query ?? "");
        var rows = await matches
            .OrderBy(c => c.LastNameKey).ThenBy(c => c.FirstNameKey).ThenBy(c => c.Id)
            .Skip(page * pageSize).Take(pageSize)
            .Select(c => new ClientRow(c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Barcode, c.HomeLocation!.Name))
            .ToListAsync(ct);
        // A page that is not full is the last one, so it tells the total without a second query (the usual case for
        // an email, a phone number or a barcode).
        if (rows.Count < pageSize && (rows.Count > 0 || page == 0)) return new ClientPage(rows, page * pageSize + rows.Count);
        var counted = await matches.Take(CountLimit + 1).CountAsync(ct);
        return new ClientPage(rows, Math.Min(counted, CountLimit), counted > CountLimit);
    }

    /// <summary>The client whose barcode is exactly this, for scanners: the desk opens the profile straight away.</summary>
    public async Task<int?> FindByBarcodeAsync(string? barcode, CancellationToken ct = default)
    {
        var code = barcode?.Trim();
        if (string.IsNullOrEmpty(code)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Clients.Where(c => c.Barcode == code).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
    }

    internal static IQueryable<Client> Filter(IQueryable<Client> clients, string query)
    {
        var q = query.Trim();
        if (q.Length == 0) return clients;
        var digits = ClientSearchKeys.Digits(q);
        if (LooksLikePhone(q) && digits.Length >= 3)
            return clients.Where(AnyOf(
                Exact(nameof(Client.Barcode), q),
                Prefix(nameof(Client.PhoneDigits), digits),
                Prefix(nameof(Client.PhoneDigitsReversed), ClientSearchKeys.Reverse(digits))));

        var words = ClientSearchKeys.Text(q).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2)
            return clients.Where(AnyOf(
                Expression.AndAlso(Prefix(nameof(Client.FirstNameKey), words[0]), Prefix(nameof(Client.LastNameKey), string.Join(' ', words[1..]))),
                Expression.AndAlso(Prefix(nameof(Client.LastNameKey), string.Join(' ', words[..^1])), Prefix(nameof(Client.FirstNameKey), words[^1]))));

        return clients.Where(AnyOf(
            Exact(nameof(Client.Barcode), q),
            Prefix(nameof(Client.FirstNameKey), words[0]),
            Prefix(nameof(Client.LastNameKey), words[0]),
            Prefix(nameof(Client.EmailKey), words[0])));
    }

    private static bool LooksLikePhone(string q) => q.All(ch => char.IsAsciiDigit(ch) || ch is ' ' or '-' or '+' or '(' or ')' or '.');

    // Built as expressions so every branch reads `key >= @low AND key < @high`: a range SQLite answers from the
    // column's index (LIKE 'x%' would scan). Values go in as parameters, so EF caches one plan per shape.
    private static readonly ParameterExpression C = Expression.Parameter(typeof(Client), "c");
    private static readonly MethodInfo Compare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private static BinaryExpression Prefix(string column, string prefix) => Expression.AndAlso(
        Expression.GreaterThanOrEqual(Expression.Call(Compare, Expression.Property(C, column), Value(prefix)), Expression.Constant(0)),
        Expression.LessThan(Expression.Call(Compare, Expression.Property(C, column), Value(prefix + '\uffff')), Expression.Constant(0)));

    private static BinaryExpression Exact(string column, string value) => Expression.Equal(Expression.Property(C, column), Value(value));

    private static Expression<Func<Client, bool>> AnyOf(params Expression[] terms) =>
        Expression.Lambda<Func<Client, bool>>(terms.Aggregate(Expression.OrElse), C);

    private static MemberExpression Value(string value) => Expression.Property(Expression.Constant(new Boxed(value)), nameof(Boxed.Value));

    private sealed record Boxed(string Value);
}
