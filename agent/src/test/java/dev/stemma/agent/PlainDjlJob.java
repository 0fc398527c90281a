package dev.stemma.agent;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;

/**
 * An ordinary DJL training job that knows nothing of Stemma: a linear regression trained with
 * {@link EasyTrain}. The {@code -javaagent} test runs it with the agent attached from outside.
 * Argument: the number of epochs.
 */
public final class PlainDjlJob {
    private PlainDjlJob() {}

    public static void main(String[] args) throws Exception {
        int epochs = Integer.parseInt(args[0]);
        try (Model model = Model.newInstance("plain-linear", "PyTorch"); NDManager m = NDManager.newBaseManager("PyTorch")) {
            model.setBlock(Linear.builder().setUnits(1).build());
            NDArray x = m.randomNormal(new Shape(64, 4));
            NDArray y = x.sum(new int[] {1}, true);
            ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(16, false).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()))) {
                trainer.initialize(new Shape(16, 4));
                EasyTrain.fit(trainer, epochs, data, null);
            }
        }
        System.out.println("plain job done");
    }
}
