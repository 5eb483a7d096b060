namespace Communique.Nlu;

public enum NluVersionState
{
    Training,
    Ready,
    Failed,
}
