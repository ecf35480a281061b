import { parseText } from '../../compiler/syntax/parse.js';
const src = `
// hello
network erbp {
  dt = 1 ms; seed = 1
  let we = 1.62 mV * 0.1 ms / 20 ms
  neuron ErbpLIF extends CubaLIF { state u : dendrite = 0; input err -> u; leak u tau 5 ms }
  population img = Poisson(784) { rate_max = 100 Hz }
  population h1 = ErbpLIF(200) { tau = 20 ms; v_threshold = 1.0; refractory = 4 ms; noise poisson into v rate 1000 Hz amplitude 0.05 }
  population out = ErbpLIF(10) like h1
  project img -> h1 : dense { w ~ uniform(-0.1, 0.1); p_transmit = 0.65; learn erbp }
  feedback e_pos -> h1.err : dense { w ~ centred_uniform(0.4); frozen }
  rule erbp { trace x pre tau 20 ms impulse 1
    on pre when post.i in [-1.15, 1.15] and t mod 250 ms >= 50 ms { w += 1e-3 * post.u }
    every 16 steps { w -= 0.1 * w } bounds [-1, 1]; stochastic_rounding }
  signal g = schedule(250 ms) { 0 ms..50 ms: 0, 50 ms..150 ms: 1, 150 ms..250 ms: -1, otherwise: 0 }
  probe h1.v every 10
  probe spikes out, h1
  probe weights img -> h1
  probe trace x on img -> h1
  train { data = mnist; input = img; present = 250 ms }
}
`;
import {test} from "vitest"; test("s",()=>{});
const r = parseText(src, 'x.snn');
console.log(JSON.stringify(r.diagnostics, null, 1));
console.log(JSON.stringify(r.ast, (k, v) => (k === 'span' || k === 'opSpan' || k==='triggerSpan' ? undefined : v)).slice(0, 3000));
