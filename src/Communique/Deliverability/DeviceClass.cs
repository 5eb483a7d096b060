namespace Communique.Deliverability;

public enum DeviceClass
{
    Desktop,
    Mobile,
    Tablet,
    Other,
}
