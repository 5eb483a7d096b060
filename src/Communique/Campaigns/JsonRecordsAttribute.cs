using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Communique.Campaigns;

// A transactional call's dataset: an array of one or more records, each a JSON object.
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter | AttributeTargets.Field)]
public sealed class JsonRecordsAttribute() : ValidationAttribute("An array of one or more records (JSON objects).")
{
    public override bool IsValid(object? value)
    {
        if (value is not JsonElement { ValueKind: JsonValueKind.Array } records || records.GetArrayLength() == 0)
        {
            return false;
        }

        foreach (var record in records.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
        }

        return true;
    }
}
