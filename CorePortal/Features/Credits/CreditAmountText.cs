using System.Globalization;

namespace CorePortal.Features.Credits;

/// <summary>Reads the number of credits as typed, with a message for what a person can get wrong.</summary>
public static class CreditAmountText
{
    public static (int? Amount, string? Error) Parse(string? text)
    {
        var t = text?.Trim() ?? "";
        if (t.Length == 0) return (null, "Enter the number of credits.");
        if (decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) && number != decimal.Truncate(number))
            return (null, "Credits are whole numbers: enter 1, 2, 3…");
        if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) || amount is < 1 or > CreditAdjustmentService.MaxAmount)
            return (null, $"Enter a whole number of credits from 1 to {CreditAdjustmentService.MaxAmount}.");
        return (amount, null);
    }
}
