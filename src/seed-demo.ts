import 'reflect-metadata';
import { seedDemo } from './demo-data';
import { runStandalone } from './standalone';

/** `npm run seed:demo`: loads the demo data set (src/demo-data.ts) into the configured database. */
runStandalone('seed:demo', {}, (app) => seedDemo(app, (line) => void process.stdout.write(`${line}\n`)));
