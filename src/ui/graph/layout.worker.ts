// ELK's own worker: importing it makes this worker answer the layout requests of `elkjs/lib/elk-api`.
import 'elkjs/lib/elk-worker.min.js';
