// Entry of the browser bundle (dist/herald-client.browser.js): the public API, nothing from Node.
export * from './index.js';
